/** ARM's error body, as it appears inside a deployment (`properties.error`) and in operation status messages. */
export interface ArmErrorBody {
  code: string;
  message: string;
  target?: string;
  details?: ArmErrorBody[];
}
