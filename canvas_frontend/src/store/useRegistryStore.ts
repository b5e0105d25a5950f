/** The node registry and connection rules, loaded once from the API. */

import { create } from "zustand";
import type { NodeTypeSpec } from "../api/canvasApi";
import { ruleSet, type ConnectionRule, type RuleSet } from "../graph/ports";

interface RegistryStore {
  loaded: boolean;
  specs: Readonly<Record<string, NodeTypeSpec>>;
  rules: RuleSet;
  setRegistry: (specs: readonly NodeTypeSpec[], rules: readonly ConnectionRule[]) => void;
}

export const useRegistryStore = create<RegistryStore>()((set) => ({
  loaded: false,
  specs: {},
  rules: new Set(),
  setRegistry: (specs, rules) =>
    set({
      loaded: true,
      specs: Object.fromEntries(specs.map((s) => [s.typeId, s])),
      rules: ruleSet(rules),
    }),
}));
