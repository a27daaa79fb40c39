/** `GET /metadata/endpoints`: what `az cloud register` and ARM_CLOUD_METADATA_URL read to learn a cloud's endpoints. */
export function metadataEndpoints(publicUrl: string): Record<string, unknown> {
  const arm = `${publicUrl}/`;
  return {
    galleryEndpoint: arm,
    graphEndpoint: `${publicUrl}/graph/`,
    portalEndpoint: arm,
    authentication: { loginEndpoint: `${publicUrl}/adfs`, audiences: [arm, publicUrl] },
    name: 'Amity',
    resourceManager: arm,
    microsoftGraphResourceId: `${publicUrl}/msgraph/`,
    suffixes: {},
  };
}
