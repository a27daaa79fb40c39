import { Select } from '@fluentui/react-components';
import type { Location, ResourceGroup } from '../api/types.js';

/**
 * The region and resource group pickers several pages share (native selects: keyboard and screen readers for free).
 * `empty` is the first option's text, for "no choice" (e.g. "All locations"); without it every option is a region.
 */
export function RegionSelect({ id, locations, value, onChange, empty }: { id?: string; locations: Location[]; value: string; onChange(value: string): void; empty?: string }) {
  return (
    <Select id={id} value={value} onChange={(_, d) => onChange(d.value)}>
      {empty !== undefined && <option value="">{empty}</option>}
      {locations.map((l) => (
        <option key={l.name} value={l.name}>
          {l.displayName}
        </option>
      ))}
    </Select>
  );
}

export function GroupSelect({ id, groups, value, onChange, empty }: { id?: string; groups: ResourceGroup[]; value: string; onChange(value: string): void; empty: string }) {
  return (
    <Select id={id} value={value} onChange={(_, d) => onChange(d.value)}>
      <option value="">{empty}</option>
      {groups.map((g) => (
        <option key={g.id} value={g.name}>
          {g.name}
        </option>
      ))}
    </Select>
  );
}
