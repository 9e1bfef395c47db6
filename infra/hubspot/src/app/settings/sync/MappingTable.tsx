import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Button,
  ButtonRow,
  Flex,
  Heading,
  LoadingSpinner,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import { EMPTY_DRAFT, applyDraft, sourceLabel, targetLabel, type EditTarget } from '@hubspot-quickbooks/shared/syncMappings';
import type { Mapping, SyncObject, SyncSettingsApi } from '@hubspot-quickbooks/shared/syncSettings';
import { SyncErrorAlert } from './SyncErrorAlert';
import { MappingEditor } from './MappingEditor';
import { useLoad } from './useLoad';
import { OBJECT_WORDS, SHAPE_OPTIONS } from './words';

interface Props {
  api: SyncSettingsApi;
  realmId: string;
  object: SyncObject;
  mappings: Mapping[];
  /** The company's settings have unsaved changes: a reset (which the server applies at once) would drop them. */
  dirty: boolean;
  busy: boolean;
  onChange(mappings: Mapping[]): void;
  onReset(): void;
  /** Whether a mapping is open in the editor: its draft is not in the settings until applied. */
  onEditing(open: boolean): void;
}

/** S4: the object's field mappings, with the defaults, the locked ones and the admin's own (add, edit, delete, reset). */
export function MappingTable({ api, realmId, object, mappings, dirty, busy, onChange, onReset, onEditing }: Props) {
  const fields = useLoad('Loading the QuickBooks fields and HubSpot properties', useCallback(() => api.fields(realmId, object), [api, realmId, object]));
  const [editing, setEditingState] = useState<EditTarget | null>(null);
  const setEditing = (target: EditTarget | null) => {
    setEditingState(target);
    onEditing(target !== null);
  };
  // Leaving the tab drops an open draft, so the company's Save is no longer held back by it.
  useEffect(() => () => onEditing(false), [onEditing]);
  const [confirmingReset, setConfirmingReset] = useState(false);
  const words = OBJECT_WORDS[object];
  const canEdit = fields.value !== null && editing === null && !busy;

  return (
    <Flex direction="column" gap="sm">
      <Heading>Field mappings</Heading>
      <Text>Which QuickBooks fields the sync writes into which HubSpot {words.noun} properties.</Text>
      {fields.pending && <LoadingSpinner label={fields.pending} showLabel />}
      {fields.error && (
        <SyncErrorAlert error={fields.error} fallbackTitle="The fields to map could not be loaded" testId={`fields-error-${realmId}-${object}`}>
          <Button variant="secondary" onClick={() => void fields.reload()}>
            Try again
          </Button>
        </SyncErrorAlert>
      )}
      {mappings.length === 0 ? (
        <Text>No field mappings for {words.plural} yet.</Text>
      ) : (
        <Table bordered>
          <TableHead>
            <TableRow>
              <TableHeader>QuickBooks field</TableHeader>
              <TableHeader>HubSpot property</TableHeader>
              <TableHeader>Written as</TableHeader>
              <TableHeader>Kind</TableHeader>
              <TableHeader>Actions</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {mappings.map((mapping, index) => (
              <TableRow key={`${mapping.target}-${index}`} testId={`mapping-${realmId}-${object}-${mapping.target}`}>
                <TableCell>{mapping.sources.map((path) => sourceLabel(fields.value, path)).join(', or else ')}</TableCell>
                <TableCell>{targetLabel(fields.value, mapping.target)}</TableCell>
                <TableCell>{SHAPE_OPTIONS.find((option) => option.value === mapping.shape)?.label}</TableCell>
                <TableCell>
                  {mapping.locked ? <Tag variant="info">Required by the sync</Tag> : mapping.isDefault ? <Tag>Default</Tag> : <Tag variant="success">Custom</Tag>}
                </TableCell>
                <TableCell>
                  {!mapping.locked && (
                    <ButtonRow>
                      <Button size="sm" variant="secondary" disabled={!canEdit} onClick={() => setEditing({ kind: 'edit', index })}>
                        Edit
                      </Button>
                      <Button size="sm" variant="destructive" disabled={editing !== null || busy} onClick={() => onChange(mappings.filter((_, at) => at !== index))}>
                        Delete
                      </Button>
                    </ButtonRow>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {editing && fields.value && (
        <MappingEditor
          fields={fields.value}
          mappings={mappings}
          at={editing}
          initial={editing.kind === 'new' ? EMPTY_DRAFT : mappings[editing.index]}
          onApply={(draft) => {
            onChange(applyDraft(mappings, editing, draft));
            setEditing(null);
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {confirmingReset && (
        <Alert title={`Reset the ${words.noun} mappings?`} variant="warning" testId={`confirm-reset-${realmId}-${object}`}>
          <Text>Your own mappings are removed and the defaults come back, at once. The switch and the behaviours stay.</Text>
          <ButtonRow>
            <Button variant="destructive" disabled={busy} onClick={() => {
                setConfirmingReset(false);
                onReset();
              }}>
              Reset to defaults
            </Button>
            <Button variant="secondary" onClick={() => setConfirmingReset(false)}>
              Cancel
            </Button>
          </ButtonRow>
        </Alert>
      )}
      <ButtonRow>
        <Button variant="secondary" disabled={!canEdit} onClick={() => setEditing({ kind: 'new' })}>
          Add a mapping
        </Button>
        <Button variant="transparent" disabled={dirty || busy || editing !== null} onClick={() => setConfirmingReset(true)}>
          Reset to defaults
        </Button>
      </ButtonRow>
      {dirty && <Text variant="microcopy">Save or discard your changes before resetting the mappings.</Text>}
    </Flex>
  );
}
