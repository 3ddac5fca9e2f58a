import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../context';

export async function peopleRoutes(_app: FastifyInstance, _deps: Deps) {}
