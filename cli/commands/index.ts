/** The commands of `tagship`, in the order `tagship --help` lists them. */
import type { Command, OptionSpecs } from "../command";
import affected from "./affected";
import envNew from "./env-new";
import envRm from "./env-rm";
import log from "./log";
import plan from "./plan";
import promote from "./promote";
import recover from "./recover";
import rollback from "./rollback";
import ship from "./ship";
import stats from "./stats";

export const COMMANDS: readonly Command<OptionSpecs>[] = [
  ship,
  promote,
  rollback,
  recover,
  log,
  stats,
  plan,
  envNew,
  envRm,
  affected,
] as Command<OptionSpecs>[];
