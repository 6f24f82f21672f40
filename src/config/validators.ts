import { ValidateBy, ValidationOptions } from './class-validator.js';
import { isDuration, isTooLongDuration } from './duration.js';
import { isPlainObject } from './config-files.js';

export function IsDuration(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({
    name: 'isDuration',
    validator: { validate: (value) => isDuration(value) },
  }, {
    message: (args) => isTooLongDuration(args.value) ? 'must be at most 3650d' : 'must be a duration such as 60s, 15m, 12h or 30d',
    ...options,
  });
}

export function IsStringMap(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({
    name: 'isStringMap',
    validator: {
      validate: (value) => isPlainObject(value) && Object.values(value).every((v) => typeof v === 'string'),
    },
  }, options);
}
