// Builds the operator inbox UI once per test run, so the browser test sees
// the current sources (the service itself only builds it when it is missing).
import { buildUi } from '../../src/inbox/ui-assets.js';

export default async function setup(): Promise<void> {
  await buildUi();
}
