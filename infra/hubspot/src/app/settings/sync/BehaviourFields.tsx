import { Select, Toggle } from '@hubspot/ui-extensions';
import type { ObjectSettings, OnChange, OnDelete, SyncObject } from '@hubspot-quickbooks/shared/syncSettings';
import { OBJECT_WORDS, onChangeOptions, onDeleteOptions } from './words';

interface Props {
  object: SyncObject;
  settings: ObjectSettings;
  onChange(patch: Partial<ObjectSettings>): void;
}

/** The object's switch and what the sync does when a QuickBooks record changes or goes (S1–S3). */
export function BehaviourFields({ object, settings, onChange }: Props) {
  const words = OBJECT_WORDS[object];
  return (
    <>
      <Toggle
        name={`enabled-${object}`}
        label={`Sync QuickBooks ${words.sources} to HubSpot ${words.plural}`}
        labelDisplay="inline"
        checked={settings.enabled}
        onChange={(checked) => onChange({ enabled: checked })}
      />
      <Select
        name={`onChange-${object}`}
        label={`When a QuickBooks ${words.source} is created or changed`}
        options={onChangeOptions(object)}
        value={settings.onChange}
        onChange={(value) => onChange({ onChange: value as OnChange })}
      />
      <Select
        name={`onDelete-${object}`}
        label={`When a QuickBooks ${words.source} is deleted or made inactive`}
        options={onDeleteOptions(object)}
        value={settings.onDelete}
        onChange={(value) => onChange({ onDelete: value as OnDelete })}
      />
    </>
  );
}
