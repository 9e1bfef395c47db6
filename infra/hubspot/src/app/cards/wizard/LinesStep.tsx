import { Button, ButtonRow, DateInput, Flex, Inline, Input, Select, Text, Tile } from '@hubspot/ui-extensions';
import type { Draft, Item } from '@hubspot-quickbooks/shared/card';
import { formatMoney } from '@hubspot-quickbooks/shared/documents';
import {
  type LineState,
  addLine,
  chooseItem,
  chooseNewItem,
  fromBaseDate,
  lineAmount,
  removeLine,
  subtotal,
  toBaseDate,
  updateLine,
} from '@hubspot-quickbooks/shared/wizard';
import { unique, type FieldErrorProps, type SetState, type StepProps } from './fields';

/** A line's product search: what was typed, and what QuickBooks answered (null before a search). */
export interface ItemSearch {
  q: string;
  results: Item[] | null;
}

interface Props extends StepProps {
  /** The error about the lines as a whole (none, or all empty). */
  linesError: string | undefined;
  busy: boolean;
  currency: string | null;
  /** Each line's product search, by line key. */
  searches: Record<string, ItemSearch>;
  onQuery(key: string, q: string): void;
  onSearch(key: string): void;
}

/** Step 4: the lines, each with its QuickBooks product, and a tax code where the company needs one (I6, I7, B4). */
export function LinesStep({ draft, state, setState, fieldError, linesError, busy, currency, searches, onQuery, onSearch }: Props) {
  return (
    <Flex direction="column" gap="sm">
      {linesError && <Text format={{ fontWeight: 'bold' }}>{linesError}</Text>}
      {state.lines.map((line, index) => (
        <LineEditor
          key={line.key}
          index={index}
          line={line}
          draft={draft}
          setState={setState}
          search={searches[line.key] ?? { q: '', results: null }}
          onQuery={(q) => onQuery(line.key, q)}
          onSearch={() => onSearch(line.key)}
          busy={busy}
          currency={currency}
          fieldError={fieldError}
        />
      ))}
      <ButtonRow>
        <Button variant="secondary" onClick={() => setState(addLine)}>
          Add line
        </Button>
      </ButtonRow>
      <Text>
        Subtotal before tax: {formatMoney(subtotal(state.lines), currency)}
        {draft.company.lineTaxCodesRequired ? '' : ' (QuickBooks adds sales tax)'}
      </Text>
    </Flex>
  );
}

interface LineEditorProps {
  index: number;
  line: LineState;
  draft: Draft;
  setState: SetState;
  search: ItemSearch;
  onQuery(q: string): void;
  onSearch(): void;
  busy: boolean;
  currency: string | null;
  fieldError: FieldErrorProps;
}

function LineEditor({ index, line, draft, setState, search, onQuery, onSearch, busy, currency, fieldError }: LineEditorProps) {
  const at = (field: string) => fieldError(`lines.${line.key}.${field}`);
  const choices = unique([...(line.item ? [line.item] : []), ...(search.results ?? [])]);
  const amount = lineAmount(line.quantity, line.unitPrice);
  const newItem = line.newItem;
  const options = [
    ...(newItem ? [{ label: `Create in QuickBooks: ${newItemLabel(newItem)}`, value: NEW_ITEM }] : []),
    ...choices.map((item) => ({ label: item.sku ? `${item.name} (${item.sku})` : item.name, value: item.id })),
  ];
  return (
    <Tile compact testId={`line-${index}`}>
      <Flex direction="column" gap="xs">
        <Text format={{ fontWeight: 'demibold' }}>
          Line {index + 1}
          {line.sku ? ` · HubSpot SKU ${line.sku}` : ''}
        </Text>
        <Inline gap="sm" align="end">
          <Input name={`itemQuery-${index}`} label="Find a product or service" value={search.q} onChange={onQuery} />
          <Button variant="secondary" size="sm" disabled={busy} onClick={onSearch}>
            Search products
          </Button>
        </Inline>
        {search.results && search.results.length === 0 && <Text variant="microcopy">No QuickBooks product or service matches.</Text>}
        <Select
          name={`item-${index}`}
          label="QuickBooks product or service"
          required
          placeholder={line.item || newItem ? undefined : 'No match: search and choose one'}
          options={options}
          value={line.item?.id ?? (newItem ? NEW_ITEM : undefined)}
          onChange={(value) =>
            setState((current) =>
              String(value) === NEW_ITEM
                ? chooseNewItem(current, line.key)
                : chooseItem(current, line.key, choices.find((item) => item.id === String(value)) ?? null),
            )
          }
          {...at('item')}
        />
        {!line.item && newItem && (
          <Text variant="microcopy">
            No QuickBooks product matches: a new one named {newItemLabel(newItem)} is created with this price, as the app
            settings say.
          </Text>
        )}
        <Input
          name={`description-${index}`}
          label="Description"
          value={line.description}
          onChange={(value) => setState((current) => updateLine(current, line.key, { description: value }))}
        />
        <Inline gap="sm">
          <Input
            name={`quantity-${index}`}
            label="Quantity"
            required
            value={line.quantity}
            onChange={(value) => setState((current) => updateLine(current, line.key, { quantity: value }))}
            {...at('quantity')}
          />
          <Input
            name={`unitPrice-${index}`}
            label={currency ? `Unit price (${currency})` : 'Unit price'}
            required
            value={line.unitPrice}
            onChange={(value) => setState((current) => updateLine(current, line.key, { unitPrice: value }))}
            {...at('unitPrice')}
          />
          <DateInput
            name={`serviceDate-${index}`}
            label="Service date"
            format="YYYY-MM-DD"
            value={toBaseDate(line.serviceDate)}
            onChange={(value) => setState((current) => updateLine(current, line.key, { serviceDate: fromBaseDate(value) }))}
            {...at('serviceDate')}
          />
        </Inline>
        {draft.company.lineTaxCodesRequired && (
          <Select
            name={`taxCodeId-${index}`}
            label="Tax code"
            required
            placeholder="Choose a tax code"
            options={draft.taxCodes.map((code) => ({ label: code.name, value: code.id }))}
            value={line.taxCodeId || undefined}
            onChange={(value) => setState((current) => updateLine(current, line.key, { taxCodeId: String(value) }))}
            {...at('taxCodeId')}
          />
        )}
        <Inline gap="sm" align="center" justify="between">
          <Text variant="microcopy">Amount: {amount === null ? '—' : formatMoney(amount, currency)}</Text>
          <Button variant="transparent" size="sm" onClick={() => setState((current) => removeLine(current, line.key))}>
            Remove line
          </Button>
        </Inline>
      </Flex>
    </Tile>
  );
}

/** The Select value standing for "create the offered product"; QuickBooks ids are digits, so it never collides. */
const NEW_ITEM = 'new-item';

function newItemLabel(item: { name: string; sku?: string }): string {
  return item.sku ? `${item.name} (${item.sku})` : item.name;
}
