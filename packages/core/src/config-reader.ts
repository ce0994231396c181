import { fail } from './compile-error.js';

/**
 * Typed reads of untrusted flag/segment JSON for the compiler: each either returns the value or
 * throws a CompileError naming the path. SDKs receive configs over the network, so the compiler
 * cannot assume the server validated them.
 */

export type Json = Record<string, unknown>;

export function readObject(v: unknown, path: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object');
  return v as Json;
}

export function readArray(v: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(v)) fail(path, 'must be an array');
  return v;
}

/** An optional array member: missing or undefined reads as empty. */
export function readOptionalArray(v: unknown, path: string): readonly unknown[] {
  return v === undefined ? [] : readArray(v, path);
}

export function readString(v: unknown, path: string, nonEmpty: boolean): string {
  if (typeof v !== 'string') fail(path, 'must be a string');
  if (nonEmpty && v === '') fail(path, 'must not be empty');
  return v;
}

export function readBoolean(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'must be a boolean');
  return v;
}

export function readOptionalBoolean(v: unknown, path: string): boolean {
  return v === undefined ? false : readBoolean(v, path);
}

export function readInteger(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(path, 'must be an integer');
  if (v < min || v > max) fail(path, `must be between ${min} and ${max}`);
  return v;
}
