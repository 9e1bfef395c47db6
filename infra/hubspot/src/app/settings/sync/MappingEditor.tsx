import { useState } from 'react';
import { Button, ButtonRow, Flex, Heading, Select } from '@hubspot/ui-extensions';
import { validateMapping, writableTargets, type EditTarget, type MappingDraft } from '@hubspot-quickbooks/shared/syncMappings';
import type { Mapping, Shape, SyncFields } from '@hubspot-quickbooks/shared/syncSettings';
import { SHAPE_OPTIONS } from './words';

interface Props {
  fields: SyncFields;
  mappings: Mapping[];
  at: EditTarget;
  initial: MappingDraft;
  onApply(draft: MappingDraft): void;
  onCancel(): void;
}

/**
 * Edits one mapping: the QuickBooks fields read in order (the first with a value is written), the HubSpot property
 * written and the shape of the value. Applying changes the table only; the company's Save stores it.
 */
export function MappingEditor({ fields, mappings, at, initial, onApply, onCancel }: Props) {
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const sourceOptions = fields.quickbooks.map((field) => ({ label: field.label, value: field.path }));
  const targets = writableTargets(fields, mappings, at).map((property) => ({ label: property.label, value: property.name }));

  // One select per source read, and one more to add a fallback; choosing "None" removes a source.
  const setSource = (position: number, path: string) => {
    const sources = [...draft.sources];
    if (path) sources[position] = path;
    else sources.splice(position, 1);
    // The first source decides what kind of value arrives; the admin may still change the shape.
    const shape = position === 0 && path ? (fields.quickbooks.find((field) => field.path === path)?.shape ?? draft.shape) : draft.shape;
    setDraft({ ...draft, sources, shape });
  };

  const apply = () => {
    const found = validateMapping(draft, mappings, at);
    setErrors(found);
    if (Object.keys(found).length === 0) onApply(draft);
  };

  return (
    <Flex direction="column" gap="sm">
      <Heading>{at.kind === 'new' ? 'Add a mapping' : 'Edit the mapping'}</Heading>
      {[...draft.sources, ''].map((path, position) => (
        <Select
          key={`source-${position}`}
          name={`source-${position}`}
          label={position === 0 ? 'QuickBooks field' : 'If that is empty, read'}
          options={[{ label: 'None', value: '' }, ...sourceOptions]}
          value={path}
          onChange={(value) => setSource(position, String(value))}
          error={position === 0 && Boolean(errors.sources)}
          validationMessage={position === 0 ? errors.sources : undefined}
        />
      ))}
      <Select
        name="target"
        label="HubSpot property"
        description="Read-only properties and properties another mapping writes are not offered."
        options={[{ label: 'Choose a property', value: '' }, ...targets]}
        value={draft.target}
        onChange={(value) => setDraft({ ...draft, target: String(value) })}
        error={Boolean(errors.target)}
        validationMessage={errors.target}
      />
      <Select
        name="shape"
        label="Written as"
        options={SHAPE_OPTIONS}
        value={draft.shape}
        onChange={(value) => setDraft({ ...draft, shape: value as Shape })}
      />
      <ButtonRow>
        <Button variant="primary" onClick={apply}>
          {at.kind === 'new' ? 'Add' : 'Apply'}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </ButtonRow>
    </Flex>
  );
}
