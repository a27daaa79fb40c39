import { groupCommand } from '../runtime/commandKit.js';
import { adSpCommand } from './ad/sp.js';
import { adUserCommand } from './ad/user.js';

/** `amity ad …`: az ad's user and service principal commands against the server's Microsoft Graph subset. */
export function adCommand() {
  return groupCommand('ad', 'Manage Microsoft Entra ID (the directory of the Amity server) users and service principals.', [adUserCommand(), adSpCommand()]);
}
