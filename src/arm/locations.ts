import { armErrors } from './errors.js';

interface Region {
  name: string;
  displayName: string;
  geography: string;
  physicalLocation: string;
  latitude: string;
  longitude: string;
  paired?: string;
}

// Azure's public regions: names, display names and geography as the locations API reports them.
const REGIONS: Region[] = [
  { name: 'eastus', displayName: 'East US', geography: 'US', physicalLocation: 'Virginia', latitude: '37.3719', longitude: '-79.8164', paired: 'westus' },
  { name: 'eastus2', displayName: 'East US 2', geography: 'US', physicalLocation: 'Virginia', latitude: '36.6681', longitude: '-78.3889', paired: 'centralus' },
  { name: 'southcentralus', displayName: 'South Central US', geography: 'US', physicalLocation: 'Texas', latitude: '29.4167', longitude: '-98.5', paired: 'northcentralus' },
  { name: 'westus2', displayName: 'West US 2', geography: 'US', physicalLocation: 'Washington', latitude: '47.233', longitude: '-119.852', paired: 'westcentralus' },
  { name: 'westus3', displayName: 'West US 3', geography: 'US', physicalLocation: 'Phoenix', latitude: '33.448376', longitude: '-112.074036', paired: 'eastus' },
  { name: 'australiaeast', displayName: 'Australia East', geography: 'Asia Pacific', physicalLocation: 'New South Wales', latitude: '-33.86', longitude: '151.2094', paired: 'australiasoutheast' },
  { name: 'southeastasia', displayName: 'Southeast Asia', geography: 'Asia Pacific', physicalLocation: 'Singapore', latitude: '1.283', longitude: '103.833', paired: 'eastasia' },
  { name: 'northeurope', displayName: 'North Europe', geography: 'Europe', physicalLocation: 'Ireland', latitude: '53.3478', longitude: '-6.2597', paired: 'westeurope' },
  { name: 'swedencentral', displayName: 'Sweden Central', geography: 'Europe', physicalLocation: 'Gävle', latitude: '60.67488', longitude: '17.14127', paired: 'swedensouth' },
  { name: 'uksouth', displayName: 'UK South', geography: 'Europe', physicalLocation: 'London', latitude: '50.941', longitude: '-0.799', paired: 'ukwest' },
  { name: 'westeurope', displayName: 'West Europe', geography: 'Europe', physicalLocation: 'Netherlands', latitude: '52.3667', longitude: '4.9', paired: 'northeurope' },
  { name: 'centralus', displayName: 'Central US', geography: 'US', physicalLocation: 'Iowa', latitude: '41.5908', longitude: '-93.6208', paired: 'eastus2' },
  { name: 'southafricanorth', displayName: 'South Africa North', geography: 'Africa', physicalLocation: 'Johannesburg', latitude: '-25.73134', longitude: '28.21837', paired: 'southafricawest' },
  { name: 'centralindia', displayName: 'Central India', geography: 'Asia Pacific', physicalLocation: 'Pune', latitude: '18.5822', longitude: '73.9197', paired: 'southindia' },
  { name: 'eastasia', displayName: 'East Asia', geography: 'Asia Pacific', physicalLocation: 'Hong Kong', latitude: '22.267', longitude: '114.188', paired: 'southeastasia' },
  { name: 'japaneast', displayName: 'Japan East', geography: 'Asia Pacific', physicalLocation: 'Tokyo, Saitama', latitude: '35.68', longitude: '139.77', paired: 'japanwest' },
  { name: 'koreacentral', displayName: 'Korea Central', geography: 'Asia Pacific', physicalLocation: 'Seoul', latitude: '37.5665', longitude: '126.978', paired: 'koreasouth' },
  { name: 'canadacentral', displayName: 'Canada Central', geography: 'Canada', physicalLocation: 'Toronto', latitude: '43.653', longitude: '-79.383', paired: 'canadaeast' },
  { name: 'francecentral', displayName: 'France Central', geography: 'Europe', physicalLocation: 'Paris', latitude: '46.3772', longitude: '2.373', paired: 'francesouth' },
  { name: 'germanywestcentral', displayName: 'Germany West Central', geography: 'Europe', physicalLocation: 'Frankfurt', latitude: '50.110924', longitude: '8.682127', paired: 'germanynorth' },
  { name: 'italynorth', displayName: 'Italy North', geography: 'Europe', physicalLocation: 'Milan', latitude: '45.46888', longitude: '9.18109' },
  { name: 'norwayeast', displayName: 'Norway East', geography: 'Europe', physicalLocation: 'Norway', latitude: '59.913868', longitude: '10.752245', paired: 'norwaywest' },
  { name: 'polandcentral', displayName: 'Poland Central', geography: 'Europe', physicalLocation: 'Warsaw', latitude: '52.23334', longitude: '21.01666' },
  { name: 'spaincentral', displayName: 'Spain Central', geography: 'Europe', physicalLocation: 'Madrid', latitude: '40.4259', longitude: '-3.4209' },
  { name: 'switzerlandnorth', displayName: 'Switzerland North', geography: 'Europe', physicalLocation: 'Zurich', latitude: '47.451542', longitude: '8.564572', paired: 'switzerlandwest' },
  { name: 'mexicocentral', displayName: 'Mexico Central', geography: 'Mexico', physicalLocation: 'Querétaro State', latitude: '20.588818', longitude: '-100.389888' },
  { name: 'uaenorth', displayName: 'UAE North', geography: 'Middle East', physicalLocation: 'Dubai', latitude: '25.266666', longitude: '55.316666', paired: 'uaecentral' },
  { name: 'brazilsouth', displayName: 'Brazil South', geography: 'South America', physicalLocation: 'Sao Paulo State', latitude: '-23.55', longitude: '-46.633', paired: 'southcentralus' },
  { name: 'israelcentral', displayName: 'Israel Central', geography: 'Middle East', physicalLocation: 'Israel', latitude: '31.2655698', longitude: '33.4506633' },
  { name: 'qatarcentral', displayName: 'Qatar Central', geography: 'Middle East', physicalLocation: 'Doha', latitude: '25.551462', longitude: '51.439327' },
  { name: 'northcentralus', displayName: 'North Central US', geography: 'US', physicalLocation: 'Illinois', latitude: '41.8819', longitude: '-87.6278', paired: 'southcentralus' },
  { name: 'westus', displayName: 'West US', geography: 'US', physicalLocation: 'California', latitude: '37.783', longitude: '-122.417', paired: 'eastus' },
  { name: 'westcentralus', displayName: 'West Central US', geography: 'US', physicalLocation: 'Wyoming', latitude: '40.89', longitude: '-110.234', paired: 'westus2' },
  { name: 'australiasoutheast', displayName: 'Australia Southeast', geography: 'Asia Pacific', physicalLocation: 'Victoria', latitude: '-37.8136', longitude: '144.9631', paired: 'australiaeast' },
  { name: 'australiacentral', displayName: 'Australia Central', geography: 'Asia Pacific', physicalLocation: 'Canberra', latitude: '-35.3075', longitude: '149.1244', paired: 'australiacentral2' },
  { name: 'japanwest', displayName: 'Japan West', geography: 'Asia Pacific', physicalLocation: 'Osaka', latitude: '34.6939', longitude: '135.5022', paired: 'japaneast' },
  { name: 'koreasouth', displayName: 'Korea South', geography: 'Asia Pacific', physicalLocation: 'Busan', latitude: '35.1796', longitude: '129.0756', paired: 'koreacentral' },
  { name: 'southindia', displayName: 'South India', geography: 'Asia Pacific', physicalLocation: 'Chennai', latitude: '12.9822', longitude: '80.1636', paired: 'centralindia' },
  { name: 'westindia', displayName: 'West India', geography: 'Asia Pacific', physicalLocation: 'Mumbai', latitude: '19.088', longitude: '72.868', paired: 'southindia' },
  { name: 'canadaeast', displayName: 'Canada East', geography: 'Canada', physicalLocation: 'Quebec', latitude: '46.817', longitude: '-71.217', paired: 'canadacentral' },
  { name: 'ukwest', displayName: 'UK West', geography: 'Europe', physicalLocation: 'Cardiff', latitude: '53.427', longitude: '-3.084', paired: 'uksouth' },
  { name: 'francesouth', displayName: 'France South', geography: 'Europe', physicalLocation: 'Marseille', latitude: '43.8345', longitude: '2.1972', paired: 'francecentral' },
  { name: 'germanynorth', displayName: 'Germany North', geography: 'Europe', physicalLocation: 'Berlin', latitude: '53.073635', longitude: '8.806422', paired: 'germanywestcentral' },
  { name: 'norwaywest', displayName: 'Norway West', geography: 'Europe', physicalLocation: 'Norway', latitude: '58.969975', longitude: '5.733107', paired: 'norwayeast' },
  { name: 'switzerlandwest', displayName: 'Switzerland West', geography: 'Europe', physicalLocation: 'Geneva', latitude: '46.204391', longitude: '6.143158', paired: 'switzerlandnorth' },
  { name: 'uaecentral', displayName: 'UAE Central', geography: 'Middle East', physicalLocation: 'Abu Dhabi', latitude: '24.466667', longitude: '54.366669', paired: 'uaenorth' },
  { name: 'southafricawest', displayName: 'South Africa West', geography: 'Africa', physicalLocation: 'Cape Town', latitude: '-34.075691', longitude: '18.843266', paired: 'southafricanorth' },
  { name: 'swedensouth', displayName: 'Sweden South', geography: 'Europe', physicalLocation: 'Malmo', latitude: '55.60525', longitude: '13.00073', paired: 'swedencentral' },
  { name: 'australiacentral2', displayName: 'Australia Central 2', geography: 'Asia Pacific', physicalLocation: 'Canberra', latitude: '-35.3075', longitude: '149.1244', paired: 'australiacentral' },
];

const BY_NAME = new Map(REGIONS.map((r) => [r.name, r]));
export const LOCATION_NAMES: readonly string[] = REGIONS.map((r) => r.name);
export const LOCATION_DISPLAY_NAMES: readonly string[] = REGIONS.map((r) => r.displayName);

/** ARM ignores whitespace and case in a region: "West US", "westus" and "West us" are one place. */
export function normaliseLocation(input: string): string | undefined {
  const key = input.replace(/\s+/g, '').toLowerCase();
  return BY_NAME.has(key) ? key : undefined;
}

/** A location from a request body, normalised; `forType` picks ARM's error for an unknown one (groups have their own). */
export function requireLocation(input: unknown, forType: 'resourceGroup' | { resourceType: string }): string {
  if (input === undefined || input === null || input === '') throw armErrors.locationRequired();
  if (typeof input !== 'string') throw armErrors.invalidRequestContent("Error converting value to type 'String'. Path 'location'");
  const location = normaliseLocation(input);
  if (location) return location;
  if (forType === 'resourceGroup') {
    throw armErrors.badRequest(
      'LocationNotAvailableForResourceGroup',
      `The provided location '${input}' is not available for resource group. List of available regions is '${LOCATION_NAMES.join(',')}'.`,
    );
  }
  throw armErrors.invalidLocation(input, forType.resourceType, LOCATION_NAMES);
}

export function locationsFor(subscriptionId: string): unknown[] {
  return REGIONS.map((r) => ({
    id: `/subscriptions/${subscriptionId}/locations/${r.name}`,
    name: r.name,
    type: 'Region',
    displayName: r.displayName,
    regionalDisplayName: `(${r.geography}) ${r.displayName}`,
    metadata: {
      regionType: 'Physical',
      regionCategory: 'Recommended',
      geographyGroup: r.geography,
      longitude: r.longitude,
      latitude: r.latitude,
      physicalLocation: r.physicalLocation,
      pairedRegion: r.paired ? [{ name: r.paired, id: `/subscriptions/${subscriptionId}/locations/${r.paired}` }] : [],
    },
  }));
}
