/** What every install step reports, so the command can say what it did and what is left. */
export interface StepResult {
  step: string;
  outcome: 'done' | 'already' | 'manual';
  detail: string;
}

export type Say = (line: string) => void;

/** A short, readable tail of a failed tool's output, for the error's details. */
export function outputTail(stdout: string, stderr: string, lines = 20): string {
  return `${stdout}\n${stderr}`.trim().split('\n').slice(-lines).join('\n');
}
