import type { Caller } from './caller';

/** Callers by request: the guard records each one, handlers and hooks read it back. */
const callers = new WeakMap<object, Caller>();

export function rememberCaller(request: object, caller: Caller): void {
  callers.set(request, caller);
}

/** The request's verified caller; a route that reaches for one without the guard having run is a bug. */
export function callerOf(request: object): Caller {
  const caller = callers.get(request);
  if (caller === undefined) throw new Error('no verified caller on this request: is the route public?');
  return caller;
}
