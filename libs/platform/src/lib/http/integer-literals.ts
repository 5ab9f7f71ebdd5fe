/** A number with a fraction or an exponent has a digit right before its `.`, `e` or `E`; a body without one has none. */
const MAY_HOLD_NON_INTEGER = /[0-9][.eE]/;

interface Frame {
  readonly array: boolean;
  /** An object's current key, as written (with its quotes), decoded only when it is reported. */
  key: string;
  index: number;
  expectsKey: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isNumberChar(code: number): boolean {
  // 0-9 . + - e E
  return (code >= 0x30 && code <= 0x39) || code === 0x2e || code === 0x2b || code === 0x2d || code === 0x65 || code === 0x45;
}

function pathOf(stack: readonly Frame[]): string {
  return stack.map((frame) => (frame.array ? String(frame.index) : (JSON.parse(frame.key) as string))).join('.');
}

/**
 * The path (`amount`, `items.0.amount`) of the first number in `json` written with a fraction or an
 * exponent, or undefined when every number is an integer literal. JSON.parse reads `1.0`, `1e2` and
 * `1.0000000000000001` as the integer 1, 100 and 1, so whether a client wrote an integer can only be
 * seen in the text. `json` must be valid JSON (parse it first): the scan checks nothing else.
 */
export function firstNonIntegerNumber(json: string): string | undefined {
  if (!MAY_HOLD_NON_INTEGER.test(json)) return undefined;
  const stack: Frame[] = [];
  let i = 0;
  while (i < json.length) {
    const code = json.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (code === QUOTE) {
      const start = i;
      i++;
      while (json.charCodeAt(i) !== QUOTE) i += json.charCodeAt(i) === BACKSLASH ? 2 : 1;
      i++;
      if (top && !top.array && top.expectsKey) {
        top.key = json.slice(start, i);
        top.expectsKey = false;
      }
      continue;
    }
    // A number starts with a minus or a digit; the letters of true, false and null fall through below.
    if (code === 0x2d || (code >= 0x30 && code <= 0x39)) {
      let integer = true;
      while (i < json.length && isNumberChar(json.charCodeAt(i))) {
        const c = json.charCodeAt(i);
        if (c === 0x2e || c === 0x65 || c === 0x45) integer = false;
        i++;
      }
      if (!integer) return pathOf(stack);
      continue;
    }
    if (code === 0x7b /* { */ || code === 0x5b /* [ */) stack.push({ array: code === 0x5b, key: '', index: 0, expectsKey: true });
    else if (code === 0x7d /* } */ || code === 0x5d /* ] */) stack.pop();
    else if (code === 0x2c /* , */ && top) {
      if (top.array) top.index++;
      else top.expectsKey = true;
    }
    i++;
  }
  return undefined;
}
