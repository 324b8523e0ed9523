// Loaded with `node --import` ahead of main.ts, so the libraries it traces are patched on first load.
import { bootstrapTracing } from '@herald/telemetry';

bootstrapTracing('console', import.meta.url);
