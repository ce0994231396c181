// Writes the model's JSON Schema files next to the built schema entry (run after tsc).
import { writeFileSync } from 'node:fs';
import { modelJsonSchemas } from '../dist/schema/index.js';

const { flag, segment } = modelJsonSchemas();
const dir = new URL('../dist/schema/', import.meta.url);
writeFileSync(new URL('flag.schema.json', dir), `${JSON.stringify(flag, null, 2)}\n`);
writeFileSync(new URL('segment.schema.json', dir), `${JSON.stringify(segment, null, 2)}\n`);
