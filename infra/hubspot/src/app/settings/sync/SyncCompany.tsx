import { useCallback, useState } from 'react';
import { Alert, Button, ButtonRow, Flex, Heading, LoadingSpinner, Tab, Tabs, Text } from '@hubspot/ui-extensions';
import type { Company } from '@hubspot-quickbooks/shared/connections';
import { SYNC_OBJECTS, type SyncObject, type SyncSettingsApi } from '@hubspot-quickbooks/shared/syncSettings';
import { CompanyHealth } from './CompanyHealth';
import { ObjectTab } from './ObjectTab';
import { SyncErrorAlert } from './SyncErrorAlert';
import { useLoad } from './useLoad';
import { useSyncSettings } from './useSyncSettings';
import { OBJECT_WORDS } from './words';

interface Props {
  api: SyncSettingsApi;
  company: Company;
  /** Now, in milliseconds (a parameter so tests can fix it). */
  now: number;
}

/** One company's sync: its health, then a tab per object; the settings of all three are saved together. */
export function SyncCompany({ api, company, now }: Props) {
  const { realmId } = company;
  const sync = useSyncSettings(api, realmId);
  const health = useLoad('Loading the sync health', useCallback(() => api.health(realmId), [api, realmId]));
  const [selected, setSelected] = useState<SyncObject>('contacts');
  const [editingMapping, setEditingMapping] = useState(false);
  const { form } = sync;

  return (
    <Flex direction="column" gap="sm">
      <Heading>{company.name}</Heading>
      <CompanyHealth
        api={api}
        realmId={realmId}
        health={health.value}
        pending={health.pending}
        error={health.error}
        onRefresh={() => void health.reload()}
      />
      {sync.pending && <LoadingSpinner label={sync.pending} showLabel />}
      {sync.error && (
        <SyncErrorAlert
          error={sync.error}
          fallbackTitle={form ? 'The sync settings could not be saved' : 'The sync settings could not be loaded'}
          onReload={() => void sync.load()}
          testId={`sync-error-${realmId}`}
        >
          {!form && (
            <Button variant="secondary" onClick={() => void sync.load()}>
              Try again
            </Button>
          )}
        </SyncErrorAlert>
      )}
      {sync.notice && (
        <Alert title="Saved" variant="success">
          <Text>{sync.notice}</Text>
        </Alert>
      )}
      {form && (
        <>
          {/* Only the selected tab renders its content, so an object's fields and failures load when it is opened. */}
          <Tabs selected={selected} onSelectedChange={(id: string | number) => setSelected(id as SyncObject)}>
            {SYNC_OBJECTS.map((object) => (
              <Tab key={object} tabId={object} title={tabTitle(object, health.value?.objects[object].failedCount ?? 0)}>
                {selected === object && (
                  <ObjectTab
                    api={api}
                    realmId={realmId}
                    object={object}
                    settings={form.objects[object]}
                    health={health.value?.objects[object] ?? null}
                    dirty={sync.dirty}
                    busy={sync.busy}
                    now={now}
                    onChange={(patch) => sync.update(object, patch)}
                    onReset={() => void sync.reset(object)}
                    onEditing={setEditingMapping}
                  />
                )}
              </Tab>
            ))}
          </Tabs>
          <ButtonRow>
            <Button variant="primary" disabled={!sync.dirty || sync.busy || editingMapping} onClick={() => void sync.save()}>
              {`Save the sync settings of ${company.name}`}
            </Button>
            <Button variant="transparent" disabled={!sync.dirty || sync.busy} onClick={sync.discard}>
              Discard changes
            </Button>
          </ButtonRow>
          {editingMapping && <Text variant="microcopy">Add or apply the open mapping, or cancel it, before saving.</Text>}
        </>
      )}
    </Flex>
  );
}

function tabTitle(object: SyncObject, failed: number): string {
  const { title } = OBJECT_WORDS[object];
  return failed > 0 ? `${title} (${failed} failed)` : title;
}
