import { Divider, Flex } from '@hubspot/ui-extensions';
import type { ObjectHealth, ObjectSettings, SyncObject, SyncSettingsApi } from '@hubspot-quickbooks/shared/syncSettings';
import { BehaviourFields } from './BehaviourFields';
import { FailedRecords } from './FailedRecords';
import { MappingTable } from './MappingTable';
import { ObjectHealthSummary } from './ObjectHealthSummary';

interface Props {
  api: SyncSettingsApi;
  realmId: string;
  object: SyncObject;
  settings: ObjectSettings;
  health: ObjectHealth | null;
  dirty: boolean;
  busy: boolean;
  now: number;
  onChange(patch: Partial<ObjectSettings>): void;
  onReset(): void;
  onEditing(open: boolean): void;
}

/** One object of one company: its switches, its mappings, its health and its failed records. */
export function ObjectTab({ api, realmId, object, settings, health, dirty, busy, now, onChange, onReset, onEditing }: Props) {
  return (
    <Flex direction="column" gap="md">
      <BehaviourFields object={object} settings={settings} onChange={onChange} />
      <Divider />
      <MappingTable
        api={api}
        realmId={realmId}
        object={object}
        mappings={settings.mappings}
        dirty={dirty}
        busy={busy}
        onChange={(mappings) => onChange({ mappings })}
        onReset={onReset}
        onEditing={onEditing}
      />
      <Divider />
      <ObjectHealthSummary api={api} realmId={realmId} object={object} health={health} dirty={dirty} now={now} />
      <FailedRecords api={api} realmId={realmId} object={object} />
    </Flex>
  );
}
