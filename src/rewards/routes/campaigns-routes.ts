import type { FastifyInstance } from 'fastify';
import { KessaiError } from '../../errors/index.ts';
import { actorOf } from '../../http/index.ts';
import type { CampaignBodyInput, CampaignPatch } from '../campaign-body.ts';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '../campaign-view.ts';
import type { RewardsContext } from '../context.ts';
import { createCampaign } from '../create-campaign.ts';
import { budgetBurn } from '../budget-burn.ts';
import { getCampaign } from '../get-campaign.ts';
import { listCampaigns } from '../list-campaigns.ts';
import { updateCampaign } from '../update-campaign.ts';
import { budgetBurnSchema, campaignContentProperties, campaignIdParams, campaignSchema, campaignWithHistorySchema, errors, idempotencyHeader, pageOf, pageQuery } from './schemas.ts';

const tags = ['rewards'];

/** `If-Match: "3"` (or W/"3", or 3) → 3. */
function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m) throw new KessaiError('KS_ERR_VALIDATION', 'If-Match must be the campaign version, e.g. "3"', { field: 'If-Match' });
  return Number(m[1]);
}

export async function campaignsRoutes(app: FastifyInstance, ctx: RewardsContext): Promise<void> {
  app.post<{ Body: CampaignBodyInput }>(
    '/v1/rewards/campaigns',
    {
      config: { scope: 'rewards:write' },
      schema: {
        tags,
        summary: 'Create a points rebate campaign (version 1)',
        description:
          'Filters left out (or null) are no condition. `stage_rates`: a customer at stage s earns the rate of the highest `min_stage` ≤ s, ' +
          'as a percentage of the amount in major units, rounded to whole points by `rounding`. Caps are in points. See docs/rewards.md.',
        headers: idempotencyHeader,
        body: {
          type: 'object',
          required: ['name', 'starts_at', 'ends_at', 'stage_rates', 'rounding', 'funding_party'],
          additionalProperties: false,
          properties: campaignContentProperties,
        },
        response: { 201: campaignSchema, ...errors },
      },
    },
    async (request, reply) => {
      const campaign = await createCampaign(ctx, request.body, actorOf(request));
      return reply.status(201).header('etag', `"${campaign.version}"`).send(campaign);
    },
  );

  app.get<{ Querystring: { limit: number; starting_after?: string; status?: CampaignStatus } }>(
    '/v1/rewards/campaigns',
    {
      config: { scope: 'rewards:read' },
      schema: {
        tags,
        summary: 'List campaigns (current versions), newest first, with cursor pagination',
        querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuery, status: { type: 'string', enum: [...CAMPAIGN_STATUSES] } } },
        response: { 200: pageOf(campaignSchema), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      return listCampaigns(ctx, { limit: q.limit, ...(q.starting_after ? { startingAfter: q.starting_after } : {}), ...(q.status ? { status: q.status } : {}) });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/rewards/campaigns/:id',
    {
      config: { scope: 'rewards:read' },
      schema: { tags, summary: 'A campaign: its current version and every version before it', params: campaignIdParams, response: { 200: campaignWithHistorySchema, ...errors } },
    },
    async (request, reply) => {
      const campaign = await getCampaign(ctx, request.params.id);
      return reply.header('etag', `"${campaign.version}"`).send(campaign);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { from?: string; to?: string } }>(
    '/v1/rewards/campaigns/:id/burn',
    {
      config: { scope: 'rewards:read' },
      schema: {
        tags,
        summary: 'Budget burn: points granted and reversed per day, cumulative, against the budget',
        description:
          'Days are calendar days in the campaign’s `caps.timezone`; `to` is inclusive. Defaults: from the campaign’s first day to today ' +
          '(or its last day). `cumulative` is the net granted since the campaign began, what its budget counter held at the end of the day.',
        params: campaignIdParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { from: { type: 'string', format: 'date', description: 'First day, YYYY-MM-DD' }, to: { type: 'string', format: 'date', description: 'Last day (inclusive)' } },
        },
        response: { 200: budgetBurnSchema, ...errors },
      },
    },
    async (request) => budgetBurn(ctx, request.params.id, request.query),
  );

  app.patch<{ Params: { id: string }; Body: CampaignPatch & { expected_version?: number }; Headers: { 'if-match'?: string } }>(
    '/v1/rewards/campaigns/:id',
    {
      config: { scope: 'rewards:write' },
      schema: {
        tags,
        summary: 'Change a campaign: writes its next version',
        description:
          'Send the version you edited as `expected_version` (or `If-Match: "N"`); if the campaign has moved on, 409 ' +
          '`KS_ERR_REWARD_CAMPAIGN_VERSION_CONFLICT` with `current_version`, and nothing is written. Objects are merged ' +
          '(send only what changes; null clears a condition); arrays replace. A change that changes nothing writes no version.',
        headers: { type: 'object', properties: { ...idempotencyHeader.properties, 'if-match': { type: 'string', maxLength: 20 } } },
        params: campaignIdParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { expected_version: { type: 'integer', minimum: 1 }, ...campaignContentProperties },
        },
        response: { 200: campaignSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { expected_version: bodyVersion, ...patch } = request.body;
      const headerVersion = versionFromIfMatch(request.headers['if-match']);
      if (bodyVersion !== undefined && headerVersion !== undefined && bodyVersion !== headerVersion) {
        throw new KessaiError('KS_ERR_VALIDATION', 'expected_version and If-Match name different versions', { field: 'expected_version' });
      }
      const expected = bodyVersion ?? headerVersion;
      if (expected === undefined) {
        throw new KessaiError('KS_ERR_REWARD_CAMPAIGN_VERSION_REQUIRED', 'Send expected_version (or If-Match) with the version you edited', { field: 'expected_version' });
      }
      const campaign = await updateCampaign(ctx, request.params.id, expected, patch, actorOf(request));
      return reply.header('etag', `"${campaign.version}"`).send(campaign);
    },
  );
}
