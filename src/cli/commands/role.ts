import { groupCommand } from '../runtime/commandKit.js';
import { roleAssignmentCommand } from './role/assignment.js';
import { roleCheckCommand } from './role/check.js';
import { roleDefinitionCommand } from './role/definition.js';

/** `amity role …`: az role's definition and assignment commands, and `role check` (an Amity extension). */
export function roleCommand() {
  return groupCommand('role', 'Manage user roles for access control with role definitions and assignments.', [roleDefinitionCommand(), roleAssignmentCommand(), roleCheckCommand()]);
}
