import { ORDER_STAGES, type OrderStage } from '../conventions.js';

/** The name of each stage's event or span: `order.<stage>`. */
export const STAGE_NAMES = Object.fromEntries(ORDER_STAGES.map((stage) => [stage, `order.${stage}`])) as Record<OrderStage, string>;
