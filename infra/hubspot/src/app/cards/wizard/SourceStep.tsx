import { Flex, Select, Text } from '@hubspot/ui-extensions';
import type { Draft } from '@hubspot-quickbooks/shared/card';
import type { FieldErrorProps } from './fields';

interface Props {
  draft: Draft;
  /** `deal`, or the id of the chosen quote. */
  choice: string;
  onChoose(choice: string): void;
  fieldError: FieldErrorProps;
}

/** Step 2 (deals only): the deal's line items or one of its published, unexpired quotes (I3). */
export function SourceStep({ draft, choice, onChoose, fieldError }: Props) {
  return (
    <Flex direction="column" gap="sm">
      <Select
        name="source"
        label="Start from"
        required
        options={[
          { label: "The deal's line items", value: 'deal' },
          ...draft.quotes
            .filter((quote) => quote.usable)
            .map((quote) => ({
              label: `Quote: ${quote.title}${quote.expiresOn ? ` (expires ${quote.expiresOn})` : ''}`,
              value: quote.id,
            })),
        ]}
        value={choice}
        onChange={(value) => onChoose(String(value))}
        {...fieldError('source')}
      />
      {draft.quotes
        .filter((quote) => !quote.usable)
        .map((quote) => (
          <Text key={quote.id} variant="microcopy">
            Quote {quote.title} cannot be used: {quote.reason ?? 'only published, unexpired quotes can.'}
          </Text>
        ))}
    </Flex>
  );
}
