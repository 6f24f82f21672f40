import { createRequire } from 'node:module';
import type * as ClassValidator from 'class-validator';

/**
 * The parts of class-validator this server uses, loaded from the package's own modules instead
 * of its index. The index also loads every other decorator, among them `IsPhoneNumber` with
 * libphonenumber-js and validator.js: measured on Node 20, importing `class-validator` grows the
 * resident set by ~19 MiB, these modules by ~6 MiB — ~13 MiB of a ~125 MiB server, kept for the
 * process's whole life because a configuration reload validates again. Same package, same
 * metadata storage (a global of class-validator), same behaviour; the types are the package's.
 * Import validation decorators from here, never from `class-validator`.
 */
const load = createRequire(import.meta.url);
const cjs = (path: string) => load(`class-validator/cjs/${path}`) as Record<string, unknown>;

export type { ValidationError, ValidationOptions } from 'class-validator';

export const IsOptional = cjs('decorator/common/IsOptional.js').IsOptional as typeof ClassValidator.IsOptional;
export const IsIn = cjs('decorator/common/IsIn.js').IsIn as typeof ClassValidator.IsIn;
export const IsNotEmpty = cjs('decorator/common/IsNotEmpty.js').IsNotEmpty as typeof ClassValidator.IsNotEmpty;
export const ValidateBy = cjs('decorator/common/ValidateBy.js').ValidateBy as typeof ClassValidator.ValidateBy;
export const ValidateNested = cjs('decorator/common/ValidateNested.js').ValidateNested as typeof ClassValidator.ValidateNested;
export const Matches = cjs('decorator/string/Matches.js').Matches as typeof ClassValidator.Matches;
export const IsArray = cjs('decorator/typechecker/IsArray.js').IsArray as typeof ClassValidator.IsArray;
export const IsBoolean = cjs('decorator/typechecker/IsBoolean.js').IsBoolean as typeof ClassValidator.IsBoolean;
export const IsObject = cjs('decorator/typechecker/IsObject.js').IsObject as typeof ClassValidator.IsObject;
export const IsString = cjs('decorator/typechecker/IsString.js').IsString as typeof ClassValidator.IsString;
export const getMetadataStorage = cjs('metadata/MetadataStorage.js').getMetadataStorage as typeof ClassValidator.getMetadataStorage;

const container = cjs('container.js') as { getFromContainer<T>(type: new () => T): T };
const Validator = cjs('validation/Validator.js').Validator as new () => { validateSync: typeof ClassValidator.validateSync };

/** class-validator's `validateSync(object, options)`, as its index defines it. */
export function validateSync(object: object, options?: ClassValidator.ValidatorOptions): ClassValidator.ValidationError[] {
  return container.getFromContainer(Validator).validateSync(object, options);
}
