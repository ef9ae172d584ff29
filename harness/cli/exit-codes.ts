/** Exit codes, one table (README "Exit codes"): main.ts maps errors to them, commands set a failed verdict. */
export const EXIT = { pass: 0, failed: 1, badInput: 2, internal: 3, interrupted: 130 } as const;
