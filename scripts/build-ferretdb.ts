// `npm run build:ferretdb`: build the embedded database helper now (CI, Docker-less installs).
import { buildFerretDb } from '../src/storage/ferretdb-build.js';

const binary = await buildFerretDb();
console.log(`built ${binary}`);
