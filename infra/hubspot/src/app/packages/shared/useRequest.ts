import { useCallback, useState } from 'react';

/**
 * One component's requests, one at a time: while `pending` names the one running, buttons are disabled (and a
 * spinner may say what is happening); a failure becomes `error` (through `asError`, so the caller always gets its
 * own error type, whatever was thrown), shown with the backend's message, and the user's input stays. Starting a
 * request clears the last failure. `asError` must be stable (a module-level function).
 */
export function useRequest<E extends Error>(asError: (caught: unknown) => E) {
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<E | null>(null);

  /** Runs `action` as `what`; true when it succeeded. */
  const run = useCallback(
    async (what: string, action: () => Promise<void>): Promise<boolean> => {
      setPending(what);
      setError(null);
      try {
        await action();
        return true;
      } catch (caught) {
        setError(asError(caught));
        return false;
      } finally {
        setPending(null);
      }
    },
    [asError],
  );

  return { pending, busy: pending !== null, error, setError, run };
}
