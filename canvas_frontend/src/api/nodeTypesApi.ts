/**
 * The node_types domain beyond the registry: the expression language reference (functions with
 * signatures and docs, operators, reserved words) that the expression editor completes and
 * documents. It never changes while the server runs, so it is fetched once per page and shared;
 * a failed fetch is retried by the next editor that mounts.
 */

import { useEffect, useState } from "react";
import { request, type RequestOptions } from "./client";
import { ExpressionLanguageDocument, type ExpressionLanguageQuery } from "./generated/graphql";

export type ExpressionLanguage = ExpressionLanguageQuery["expressionLanguage"];
export type ExpressionFunction = ExpressionLanguage["functions"][number];
export type ExpressionSyntax = ExpressionLanguage["syntax"][number];

export async function fetchExpressionLanguage(
  options?: RequestOptions,
): Promise<ExpressionLanguage> {
  return (await request(ExpressionLanguageDocument, {}, options)).expressionLanguage;
}

let shared: Promise<ExpressionLanguage> | null = null;
let loaded: ExpressionLanguage | null = null;

/** The expression language, or null until it has arrived (or when it could not be loaded). */
export function useExpressionLanguage(): ExpressionLanguage | null {
  const [language, setLanguage] = useState<ExpressionLanguage | null>(loaded);
  useEffect(() => {
    if (loaded) return;
    let live = true;
    shared ??= fetchExpressionLanguage().then(
      (value) => (loaded = value),
      (error: unknown) => {
        shared = null;
        throw error;
      },
    );
    shared.then(
      (value) => live && setLanguage(value),
      () => undefined, // completion still offers columns; the next editor retries
    );
    return () => {
      live = false;
    };
  }, []);
  return language;
}
