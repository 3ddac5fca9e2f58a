import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps, RequestContext } from '../../context';
import { requireScope } from '../../plugins/auth';
import { allocateStock } from './allocate-stock';
import { AllocationPlanIn, AllocationPlanOut, AllocationPlansIn } from './allocation-schemas';
import { approveAllocationPlan } from './approve-allocation-plan';
import { confirmShipment } from './confirm-shipment';
import { countStock } from './count-stock';
import { createLot } from './create-lot';
import { createAllocationPlan } from './create-allocation-plan';
import { createStore } from './create-store';
import { discardStock } from './discard-stock';
import { getCatalog } from './get-catalog';
import { getAllocationPlan } from './get-allocation-plan';
import { getStock } from './get-stock';
import { issueStock } from './issue-stock';
import { listAllocationPlans } from './list-allocation-plans';
import { listLots } from './list-lots';
import { listStores } from './list-stores';
import { proposeAllocationPlan } from './propose-allocation-plan';
import { receiveStock } from './receive-stock';
import { recallLot } from './recall-lot';
import { returnStock } from './return-stock';
import {
  AllocateIn, CatalogOut, ConfirmIn, CountIn, DiscardIn, IdParams, IssueIn, LotCreateIn, LotOut, LotsIn, MovementOut, ReceiveIn, RecallIn, ReturnIn, ShipIn, StockOut,
  StoreCreateIn, StoreOut, StoresIn, TraceOut,
} from './schemas';
import { shipStock } from './ship-stock';
import { traceLot } from './trace-lot';

/**
 * The vaccine supply chain (issue 3, item 2), with allocation plans and allocations. Guards run as preValidation, so a caller without a session or scope
 * is refused as such (401/403) whatever the request carries; the use cases check the store's jurisdiction.
 * Movements answer 201 when they move doses and 200 when a clientId replays an earlier movement.
 */
export async function vaccinationRoutes(app: FastifyInstance, deps: Deps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['vaccination'];
  const read = requireScope('vaccination:read');
  const write = requireScope('vaccination:write');
  const movement = { 200: MovementOut, 201: MovementOut };

  r.get('/api/vaccination/catalog', {
    schema: { tags, summary: 'The vaccine catalog in force and the list of its versions', response: { 200: CatalogOut } },
    preValidation: read,
  }, async () => getCatalog(deps));

  r.post('/api/vaccination/lots', {
    schema: { tags, summary: 'Register a vaccine lot (country or province vaccination staff)', body: LotCreateIn, response: { 201: LotOut } },
    preValidation: write,
  }, async (request, reply) => reply.status(201).send(await createLot(deps, request.ctx, request.body)));

  r.get('/api/vaccination/lots', {
    schema: { tags, summary: 'Vaccine lots, newest first', querystring: LotsIn, response: { 200: z.object({ items: z.array(LotOut), hasMore: z.boolean() }) } },
    preValidation: read,
  }, async (request) => listLots(deps, request.ctx, request.query));

  r.post('/api/vaccination/lots/:id/recall', {
    schema: { tags, summary: 'Recall a lot: blocks any further receipt, shipment or issue (national staff)', params: IdParams, body: RecallIn, response: { 200: LotOut } },
    preValidation: write,
  }, async (request) => recallLot(deps, request.ctx, request.params.id, request.body));

  r.get('/api/vaccination/lots/:id/trace', {
    schema: { tags, summary: 'Where the doses of a lot went: stores, shipments and events in your jurisdiction', params: IdParams, response: { 200: TraceOut } },
    preValidation: read,
  }, async (request) => traceLot(deps, request.ctx, request.params.id));

  r.post('/api/vaccination/stores', {
    schema: { tags, summary: 'Create a vaccine store in your jurisdiction', body: StoreCreateIn, response: { 201: StoreOut } },
    preValidation: write,
  }, async (request, reply) => reply.status(201).send(await createStore(deps, request.ctx, request.body)));

  r.get('/api/vaccination/stores', {
    schema: { tags, summary: 'Vaccine stores in your jurisdiction', querystring: StoresIn, response: { 200: z.object({ items: z.array(StoreOut), hasMore: z.boolean() }) } },
    preValidation: read,
  }, async (request) => listStores(deps, request.ctx, request.query));

  r.get('/api/vaccination/stores/:id/stock', {
    schema: { tags, summary: "A store's doses on hand per lot, and in transit to it", params: IdParams, response: { 200: StockOut } },
    preValidation: read,
  }, async (request) => getStock(deps, request.ctx, request.params.id));

  /** A movement at a store: 201 when it moves doses, 200 when its clientId replays an earlier one. */
  function movementRoute<B extends z.ZodType>(path: string, summary: string, body: B, run: (id: string, input: z.output<B>, request: { ctx: RequestContext }) => Promise<z.output<typeof MovementOut>>) {
    r.post(path, { schema: { tags, summary, params: IdParams, body, response: movement }, preValidation: write }, async (request, reply) => {
      const out = await run(request.params.id, request.body as z.output<B>, request);
      return reply.status(out.replayed ? 200 : 201).send(out);
    });
  }

  movementRoute('/api/vaccination/stores/:id/receive', 'Receive doses into a store from outside the chain', ReceiveIn, (id, input, { ctx }) => receiveStock(deps, ctx, id, input));
  movementRoute('/api/vaccination/stores/:id/ship', 'Ship doses to another store (in transit until the receiver confirms)', ShipIn, (id, input, { ctx }) => shipStock(deps, ctx, id, input));
  movementRoute('/api/vaccination/shipments/:id/receive', 'Confirm receipt of a shipment (the receiving store)', ConfirmIn.nullish(), (id, input, { ctx }) => confirmShipment(deps, ctx, id, input ?? {}));
  movementRoute('/api/vaccination/stores/:id/issue', 'Issue doses to a vaccination session', IssueIn, (id, input, { ctx }) => issueStock(deps, ctx, id, input));
  movementRoute('/api/vaccination/stores/:id/return', 'Return unused doses from a session to the store', ReturnIn, (id, input, { ctx }) => returnStock(deps, ctx, id, input));
  movementRoute('/api/vaccination/stores/:id/discard', 'Discard doses, with the reason', DiscardIn, (id, input, { ctx }) => discardStock(deps, ctx, id, input));
  movementRoute('/api/vaccination/stores/:id/allocate', 'Allocate doses to another store: reserved here until shipped to it (release: true gives them back)', AllocateIn, (id, input, { ctx }) => allocateStock(deps, ctx, id, input));
  movementRoute('/api/vaccination/stores/:id/count', 'Record a physical count: adjusts the balance to the doses counted', CountIn, (id, input, { ctx }) => countStock(deps, ctx, id, input));

  r.post('/api/vaccination/allocation-plans/propose', {
    schema: { tags, summary: "Propose how an area's doses split among its child areas (computed, not stored)", body: AllocationPlanIn, response: { 200: AllocationPlanOut } },
    preValidation: read,
  }, async (request) => proposeAllocationPlan(deps, request.ctx, request.body));

  r.post('/api/vaccination/allocation-plans', {
    schema: { tags, summary: 'Store a proposed allocation plan for an area (computed on the server)', body: AllocationPlanIn, response: { 201: AllocationPlanOut } },
    preValidation: write,
  }, async (request, reply) => reply.status(201).send(await createAllocationPlan(deps, request.ctx, request.body)));

  r.post('/api/vaccination/allocation-plans/:id/approve', {
    schema: { tags, summary: 'Approve a proposed plan; the plan approved before for the same area, vaccine, period and group is superseded', params: IdParams, response: { 200: AllocationPlanOut } },
    preValidation: write,
  }, async (request) => approveAllocationPlan(deps, request.ctx, request.params.id));

  r.get('/api/vaccination/allocation-plans', {
    schema: { tags, summary: 'Allocation plans in your jurisdiction, newest first (without their lines)', querystring: AllocationPlansIn, response: { 200: z.object({ items: z.array(AllocationPlanOut), hasMore: z.boolean() }) } },
    preValidation: read,
  }, async (request) => listAllocationPlans(deps, request.ctx, request.query));

  r.get('/api/vaccination/allocation-plans/:id', {
    schema: { tags, summary: 'One allocation plan with its share for each child area', params: IdParams, response: { 200: AllocationPlanOut } },
    preValidation: read,
  }, async (request) => getAllocationPlan(deps, request.ctx, request.params.id));
}
