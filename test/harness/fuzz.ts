// Seeded random inputs for the fuzz tests: random and binary text, truncations and
// structural mutations of valid documents, and a runner bounded in count and time
// that reports the seed and the case number of the first failure.

/** Seed of every fuzz run; set FUZZ_SEED to replay or to explore other inputs. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_204);

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, below). */
  int(below: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

/** Creates a mulberry32 generator: small, fast, and the same sequence for the same seed. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (below: number): number => Math.floor(next() * below);
  return { next, int, pick: (items) => items[int(items.length)]!, chance: (probability) => next() < probability };
}

// Characters that break parsers: quotes, brackets, separators, comment markers,
// line breaks, NUL and other controls, a BOM, a lone surrogate and wide characters.
const AWKWARD = ['"', "'", "[", "]", "{", "}", ":", ",", "=", "#", ";", "\\", "\n", "\r\n", "\r", "\t", "\0", "\u0001", "\u001b", "\uFEFF", "\uD800", "é", "𝄞", " "];

/** Returns text of up to `maxLength` characters: printable ASCII mixed with awkward characters. */
export function randomText(random: Random, maxLength: number): string {
  const length = random.int(maxLength + 1);
  let text = "";
  for (let index = 0; index < length; index++) {
    text += random.chance(0.25) ? random.pick(AWKWARD) : String.fromCharCode(32 + random.int(95));
  }
  return text;
}

/** Returns up to `maxLength` random bytes, decoded as Latin-1 so every byte survives. */
export function randomBinary(random: Random, maxLength: number): Buffer {
  const bytes = Buffer.alloc(random.int(maxLength + 1));
  for (let index = 0; index < bytes.length; index++) bytes[index] = random.int(256);
  return bytes;
}

/** Cuts `text` at a random point, the way an interrupted write leaves a file. */
export function truncate(random: Random, text: string): string {
  return text.slice(0, random.int(text.length));
}

/** Changes a few random characters of `text` into awkward ones, keeping its length roughly. */
export function corrupt(random: Random, text: string): string {
  const characters = [...text];
  const edits = 1 + random.int(4);
  for (let edit = 0; edit < edits && characters.length > 0; edit++) {
    const at = random.int(characters.length);
    const roll = random.int(3);
    if (roll === 0) characters.splice(at, 1);
    else if (roll === 1) characters.splice(at, 0, random.pick(AWKWARD));
    else characters[at] = random.pick(AWKWARD);
  }
  return characters.join("");
}

/** Returns a random JSON value: nulls, booleans, odd numbers, strings, arrays and objects. */
export function randomJsonValue(random: Random, depth = 3): unknown {
  const roll = random.int(depth > 0 ? 8 : 6);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return random.chance(0.5);
    case 2:
      return random.pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, 111111111111]);
    case 3:
    case 4:
      return random.pick(["", "*", "__proto__", "constructor", "us-east-1", "arn:aws:iam::111111111111:role/x", randomText(random, 12)]);
    case 5:
      return random.pick(["2012-10-17", "Allow", "Deny", "aws:cloudformation:stack", "123456789012"]);
    case 6:
      return Array.from({ length: random.int(4) }, () => randomJsonValue(random, depth - 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let index = random.int(4); index > 0; index--) setOwn(object, String(randomJsonValue(random, 0)), randomJsonValue(random, depth - 1));
      return object;
    }
  }
}

/** Returns a deep copy of `value` with one to three random nodes replaced, deleted or added. */
export function mutateJson(random: Random, value: unknown): unknown {
  let result = value;
  for (let count = 1 + random.int(3); count > 0; count--) result = mutateOnce(random, result, 0);
  return result;
}

// Walks down one random path and changes the node where it stops. It stops early often,
// so whole entries become null or a string too, not only leaves.
function mutateOnce(random: Random, value: unknown, depth: number): unknown {
  if (value === null || typeof value !== "object" || (depth > 0 && random.chance(0.3))) {
    return random.chance(0.3) ? random.pick([null, "", 0, [], {}, "x"]) : randomJsonValue(random);
  }
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0 || random.chance(0.1)) {
    setOwn(copy, random.pick(["__proto__", "constructor", "extra", "0", ""]), randomJsonValue(random));
    return copy;
  }
  const key = random.pick(keys);
  if (random.chance(0.1)) delete copy[key];
  else setOwn(copy, key, mutateOnce(random, copy[key], depth + 1));
  return copy;
}

// Defines an own property, as JSON.parse does: assigning to "__proto__" would change
// the prototype instead.
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export interface FuzzOptions<Input> {
  /** Cases to run at most. */
  count: number;
  /** Wall time after which no new case starts, in milliseconds. */
  budgetMs: number;
  /** Maximum time of one case before it counts as a hang, in milliseconds. Default 2000. */
  caseLimitMs?: number;
  generate(random: Random, index: number): Input;
  /** Throws (an assertion) when the target mishandled `input`. */
  check(input: Input, index: number): void | Promise<void>;
  /** Shortens an input for the failure message. */
  show?(input: Input): string;
}

/** Runs cases until `count` or `budgetMs`, and throws at the first failure with the seed, case and input. */
export async function fuzz<Input>(name: string, options: FuzzOptions<Input>): Promise<number> {
  const random = createRandom(FUZZ_SEED ^ hashName(name));
  const end = performance.now() + options.budgetMs;
  const limit = options.caseLimitMs ?? 2_000;
  let index = 0;
  for (; index < options.count && performance.now() < end; index++) {
    const input = options.generate(random, index);
    const began = performance.now();
    try {
      await options.check(input, index);
    } catch (error) {
      const shown = (options.show ?? ((value: Input) => JSON.stringify(value)))(input)?.slice(0, 400);
      throw new Error(`${name}: case ${index} (FUZZ_SEED=${FUZZ_SEED}) failed: ${(error as Error).message}\ninput: ${shown}`, { cause: error });
    }
    const took = performance.now() - began;
    if (took > limit) throw new Error(`${name}: case ${index} (FUZZ_SEED=${FUZZ_SEED}) took ${Math.round(took)} ms, over the ${limit} ms limit`);
  }
  return index;
}

function hashName(name: string): number {
  let hash = 2_166_136_261;
  for (const character of name) hash = Math.imul(hash ^ character.charCodeAt(0), 16_777_619);
  return hash >>> 0;
}

/** Phrases of JavaScript runtime errors that leak out of a parser instead of a clear message. */
export const RAW_RUNTIME_ERROR = /Cannot read propert|Cannot convert|is not a function|is not iterable|is not defined|undefined is not|null is not|Maximum call stack|\[object Object\]/;
