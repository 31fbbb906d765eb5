// Parses the command line: our options, the command, and for wrapper commands the
// arguments that belong to the wrapped tool.
import { TOOL_NAMES, type ToolName } from "../config/schema.js";
import { usageError } from "../errors.js";
import type { FailOn } from "../runner/run-hooks.js";

export interface CliOptions {
  stage?: string;
  /** Source of --stage when it was read from the wrapped tool's arguments, such as "-c stage=...". */
  stageSource?: string;
  profile?: string;
  region?: string;
  command?: string;
  tool?: ToolName;
  config?: string;
  roleArn?: string;
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  noColor?: boolean;
  offline?: boolean;
  debug?: boolean;
  fix?: boolean;
  yes?: boolean;
  failOn?: FailOn;
  /** --all-stages: check every stage named in the configuration, in one run. */
  allStages?: boolean;
  help?: boolean;
  version?: boolean;
  /** Options of subcommands such as `policy`, kept as given. */
  extra: Record<string, string | boolean>;
}

export interface ParsedCommandLine {
  options: CliOptions;
  /** `check`, a wrapper command such as `deploy`, `cdk`, `policy`, `init`, or undefined. */
  command: string | undefined;
  /** Arguments after a wrapper command, passed to the wrapped tool. */
  toolArgs: string[];
  /** Positional arguments of non-wrapper commands. */
  positionals: string[];
}

export const WRAPPER_COMMANDS = new Set(["deploy", "dev", "start", "remove", "diff", "bootstrap", "cdk"]);

/** Subcommands with options of their own, which arrive in `options.extra`. */
export const EXTRA_OPTION_COMMANDS: ReadonlySet<string> = new Set(["policy", "init"]);

/** Options of the other subcommands that take a value, such as `policy --strategy services`. */
export const EXTRA_VALUE_OPTIONS: ReadonlySet<string> = new Set(["strategy", "services", "policy-file", "cdk-out", "format", "output", "package-manager"]);

const VALUE_OPTIONS = new Set(["stage", "profile", "region", "command", "tool", "config", "role-arn", "fail-on"]);
const FLAG_OPTIONS = new Set(["json", "verbose", "quiet", "no-color", "offline", "debug", "fix", "yes", "help", "version", "all-stages"]);

export function parseCommandLine(argv: string[], extraValueOptions: ReadonlySet<string> = new Set()): ParsedCommandLine {
  const options: CliOptions = { extra: {} };
  const positionals: string[] = [];
  let command: string | undefined;
  let index = 0;

  while (index < argv.length) {
    const token = argv[index]!;
    if (command && WRAPPER_COMMANDS.has(command)) break;
    if (token === "--") {
      positionals.push(...argv.slice(index + 1));
      index = argv.length;
      break;
    }
    if (token === "-h") {
      options.help = true;
      index++;
      continue;
    }
    if (token.startsWith("--")) {
      const [rawName, inlineValue] = splitOption(token);
      if (FLAG_OPTIONS.has(rawName)) {
        if (inlineValue !== undefined) throw usageError(`Option --${rawName} takes no value, got "${token}"`);
        setFlag(options, rawName);
        index++;
        continue;
      }
      if (VALUE_OPTIONS.has(rawName) || extraValueOptions.has(rawName)) {
        const value = inlineValue ?? argv[index + 1];
        if (value === undefined || (inlineValue === undefined && value.startsWith("--"))) {
          throw usageError(`Option --${rawName} needs a value`, [`Example: --${rawName} ${exampleFor(rawName)}`]);
        }
        setValue(options, rawName, value);
        index += inlineValue === undefined ? 2 : 1;
        continue;
      }
      if (command && EXTRA_OPTION_COMMANDS.has(command)) {
        // Unknown flags of subcommands like `policy --custom-domain` are kept for them.
        options.extra[rawName] = inlineValue ?? true;
        index++;
        continue;
      }
      throw usageError(`Unknown option ${token}`, ["Run sst-preflight --help to list the options."]);
    }
    if (!command) command = token;
    else positionals.push(token);
    index++;
  }

  return { options, command, toolArgs: argv.slice(index), positionals };
}

function splitOption(token: string): [string, string | undefined] {
  const body = token.slice(2);
  const equals = body.indexOf("=");
  return equals === -1 ? [body, undefined] : [body.slice(0, equals), body.slice(equals + 1)];
}

function setFlag(options: CliOptions, name: string): void {
  if (name === "no-color") options.noColor = true;
  else if (name === "all-stages") options.allStages = true;
  else (options as unknown as Record<string, boolean>)[name] = true;
}

function setValue(options: CliOptions, name: string, value: string): void {
  // An empty value, such as --role-arn "" from an unset shell variable, would silently turn a setting off.
  if (value.trim() === "") throw usageError(`Option --${name} needs a value, got an empty string`, [`Example: --${name} ${exampleFor(name)}`]);
  switch (name) {
    case "tool":
      if (!(TOOL_NAMES as readonly string[]).includes(value)) {
        throw usageError(`Invalid --tool "${value}"`, [`Expected one of: ${TOOL_NAMES.join(", ")}.`]);
      }
      options.tool = value as ToolName;
      return;
    case "fail-on":
      if (value !== "fail" && value !== "unknown" && value !== "warn") {
        throw usageError(`Invalid --fail-on "${value}"`, ["Expected fail, unknown or warn."]);
      }
      options.failOn = value;
      return;
    case "role-arn":
      options.roleArn = value;
      return;
    case "stage":
    case "profile":
    case "region":
    case "command":
    case "config":
      options[name] = value;
      return;
    default:
      options.extra[name] = value;
  }
}

function exampleFor(name: string): string {
  const examples: Record<string, string> = {
    stage: "prod",
    profile: "dev",
    region: "eu-west-1",
    command: "deploy",
    tool: "sst-v2",
    config: "preflight.config.ts",
    "role-arn": "arn:aws:iam::111111111111:role/cfn-deployer",
    "fail-on": "warn",
  };
  return examples[name] ?? "VALUE";
}

/** Reads `--name value` or `--name=value` from a wrapped tool's arguments; the last one wins. */
export function readToolOption(args: string[], names: string[]): string | undefined {
  let found: string | undefined;
  for (let index = 0; index < args.length; index++) {
    const token = args[index]!;
    for (const name of names) {
      if (token === name && index + 1 < args.length) found = args[index + 1];
      else if (token.startsWith(`${name}=`)) found = token.slice(name.length + 1);
    }
  }
  return found;
}
