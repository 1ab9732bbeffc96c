import { describeAdapterBehaviour } from "./adapter-behaviour.js";
import { startExpress } from "./apps/express-app.js";
import { startFastify } from "./apps/fastify-app.js";
import { startHono } from "./apps/hono-app.js";
import { startNestExpress, startNestFastify } from "./apps/nest-apps.js";

describeAdapterBehaviour("Express", startExpress);
describeAdapterBehaviour("Fastify", startFastify);
describeAdapterBehaviour("Hono on Node", startHono);
describeAdapterBehaviour("Nest on Express", startNestExpress);
describeAdapterBehaviour("Nest on Fastify", startNestFastify);
