/**
 * lib/split: the pure domain of split design. Plain functions over plain data (wire
 * objects from lib/wire.ts in, plans and findings out); no I/O, no framework, nothing
 * mutated. Import from here or from the module that defines a name.
 */
export * from './destination';
export * from './model';
export * from './weights';
export * from './hosts';
export * from './protocol';
export * from './findings';
export * from './facts';
export * from './edit';
export * from './tagging';
export * from './history';
export * from './create';
export * from './check';
export * from './diff';
export { ANNOTATION_PREFIX } from './annotations';
export { isRecord, pointer, type JsonPatchOp } from './json';
