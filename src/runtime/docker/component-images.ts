/** The images a docker lab runs, for run.json: what a run's components were. */
import { chooseImages } from './images.js';

export function dockerComponentVersions(
  overrides: Readonly<Record<string, string>>,
): Record<string, string | null> {
  const choice = chooseImages(overrides);
  return {
    ...choice.images,
    labServices: choice.labServices ?? `built from this repository on ${choice.images.node}`,
    imageOverrides: choice.overridden.length > 0 ? choice.overridden.join(', ') : null,
    node: process.version,
  };
}
