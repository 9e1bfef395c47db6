import { useCallback, useEffect, useState } from 'react';
import { asConnectionsError } from '@hubspot-quickbooks/shared/connections';
import { useRequest } from '@hubspot-quickbooks/shared/useRequest';

/**
 * Loads `load()` on mount and whenever `load` changes (memoise it with useCallback), and again on `reload`. While
 * it runs, `pending` is `what`; a failure is `error` and the last value read stays.
 */
export function useLoad<T>(what: string, load: () => Promise<T>) {
  const { pending, error, run } = useRequest(asConnectionsError);
  const [value, setValue] = useState<T | null>(null);
  const reload = useCallback(() => run(what, async () => setValue(await load())), [run, what, load]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { value, pending, error, reload };
}
