import { useCallback, useState } from 'react';
import type { CardApiError } from '../lib/card';
import { asCardError } from './CardErrorAlert';

/**
 * The card's requests, one at a time: while `pending` names the one running, buttons are disabled (and a spinner
 * may say what is happening); a failure becomes `error`, shown with the backend's message, and the user's input
 * stays. Starting a request clears the last failure.
 */
export function useRequest() {
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<CardApiError | null>(null);

  /** Runs `action` as `what`; true when it succeeded. */
  const run = useCallback(async (what: string, action: () => Promise<void>): Promise<boolean> => {
    setPending(what);
    setError(null);
    try {
      await action();
      return true;
    } catch (caught) {
      setError(asCardError(caught));
      return false;
    } finally {
      setPending(null);
    }
  }, []);

  return { pending, busy: pending !== null, error, setError, run };
}
