import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module.js';
import { ConfigurationError } from '../config/config-errors.js';
import { ExtensionModule } from '../common/extension-modules.js';
import { Environment } from '../config/environment.js';
import { ConfigurationSnapshot } from '../live-config/configuration-snapshot.js';
import { moduleStartupFailure, prepareStartup } from '../config/startup-validation.js';

const USAGE = `usage: npm run config:check [file ...]

Validates a configuration without starting the server and prints every problem, one per line.
Files are merged in order, later files winning; without files, SYMPAUTHY_CONFIG (comma-separated)
or config/sympauthy.yml. \${NAME} references are read from this environment, as the server would.
Exit status: 0 when the configuration is valid, 2 when it is not.`;

/**
 * `config:check`: the server's startup validation without the server. Loads the configuration
 * exactly as `main.ts` does (same messages), then boots the server's own modules
 * (`AppModule`, same providers) as a Nest standalone application context, with no HTTP
 * listener, so a module or provider that fails to start is reported too. Prints problems and
 * warnings on stderr and a one-line summary on stdout; never a configuration value.
 */
async function configCheck(args: string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknownOption = args.find((arg) => arg.startsWith('-'));
  if (unknownOption) {
    process.stderr.write(`unknown option ${unknownOption}\n${USAGE}\n`);
    return 2;
  }

  let configuration: ConfigurationSnapshot;
  let environment: Environment;
  let extensions: ExtensionModule[];
  try {
    ({ configuration, environment, extensions } = await prepareStartup(process.env, { files: args.length > 0 ? args : undefined }));
  } catch (e) {
    if (!(e instanceof ConfigurationError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return 2;
  }
  for (const warning of configuration.warnings) process.stderr.write(`warning: ${warning}\n`);

  try {
    const context = await NestFactory.createApplicationContext(AppModule.forRoot(configuration, environment, { extensions }), {
      logger: false,
      abortOnError: false,
    });
    await context.close();
  } catch (e) {
    process.stderr.write(`${moduleStartupFailure(e)}\n`);
    return 2;
  }

  process.stdout.write(`${summary(configuration)}\n`);
  return 0;
}

/** Runs a validation step, adding the problems of a `ConfigurationError` it throws. */
function summary(configuration: ConfigurationSnapshot): string {
  return `configuration valid (${configuration.files.join(', ')}): ` +
    `${count(configuration.clients.all.length, 'client')}, ${count(configuration.users.size, 'user')}, ` +
    `${count(configuration.keys.all.length, 'signing key')}, store ${configuration.store.type}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

configCheck(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (e: unknown) => {
    process.stderr.write(`config:check failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
