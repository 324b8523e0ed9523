// Loaded with `node --import` ahead of main.ts, so the libraries it traces are patched on first load.
import { bootstrapTracing } from '@herald/telemetry';
import { redactPathTokens } from './routes/redact.js';

// Invite and unsubscribe tokens in paths never reach a span.
bootstrapTracing('api', import.meta.url, redactPathTokens);
