import { useCallback, useEffect, useState } from 'react';
import { asConnectionsError } from '@hubspot-quickbooks/shared/connections';
import { useRequest } from '@hubspot-quickbooks/shared/useRequest';
import { toSaveBody, type ObjectSettings, type SyncObject, type SyncSettings, type SyncSettingsApi } from '@hubspot-quickbooks/shared/syncSettings';

/**
 * One company's sync settings: what is stored (`saved`) and the admin's unsaved edits (`form`), saved together
 * because the server versions them together. Every answer (load, save, reset) replaces both.
 */
export function useSyncSettings(api: SyncSettingsApi, realmId: string) {
  const { pending, busy, error, run } = useRequest(asConnectionsError);
  const [saved, setSaved] = useState<SyncSettings | null>(null);
  const [form, setForm] = useState<SyncSettings | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const adopt = (settings: SyncSettings, message: string | null) => {
    setSaved(settings);
    setForm(settings);
    setNotice(message);
  };

  // Also the way out of a 409: the admin's edits give way to what someone else saved.
  const load = useCallback(
    () => run('Loading the sync settings', async () => adopt(await api.settings(realmId), null)),
    [api, realmId, run],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const update = (object: SyncObject, patch: Partial<ObjectSettings>) => {
    setNotice(null);
    setForm((current) => current && { ...current, objects: { ...current.objects, [object]: { ...current.objects[object], ...patch } } });
  };

  const save = () =>
    form &&
    run('Saving', async () => adopt(await api.save(form), 'Saved. The next sync run uses these settings.'));

  const reset = (object: SyncObject) =>
    run('Resetting the mappings', async () =>
      adopt(await api.reset(realmId, object), 'The mappings are back to the defaults. The next sync run uses them.'),
    );

  return {
    saved,
    form,
    dirty: form !== null && saved !== null && JSON.stringify(toSaveBody(form)) !== JSON.stringify(toSaveBody(saved)),
    pending,
    busy,
    error,
    notice,
    load,
    update,
    save,
    reset,
    discard: () => setForm(saved),
  };
}
