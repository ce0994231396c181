/**
 * A resettable timeout: `t(task, ms)` (re)arms it, `t()` cancels it. One per purpose, so every
 * re-arm cancels the previous one and clean-up is one call (smaller than tracking handles by hand).
 */
export function timer(): (task?: () => void, ms?: number) => void {
  let handle: ReturnType<typeof setTimeout> | undefined;
  return (task, ms) => {
    clearTimeout(handle);
    if (task) handle = setTimeout(task, ms);
  };
}
