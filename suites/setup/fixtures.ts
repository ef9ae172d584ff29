import { generateFixtures } from '../../fixtures/generate.ts';

/** Fixtures and parity models are generated (or found cached) once before any test file runs. */
export default async function setup(): Promise<void> {
  await generateFixtures();
}
