/**
 * The node_types domain beyond the registry: the expression language reference (functions with
 * signatures and docs, operators, reserved words) that the expression editor completes and
 * documents, and the names of the server's secrets (CANVAS_SECRET_<NAME>) that the secret picker
 * offers. Neither changes while the server runs, so each is fetched once per page and shared; a
 * failed fetch is retried by the next editor that mounts.
 */

import { useEffect, useState } from "react";
import { request, type RequestOptions } from "./client";
import {
  ExpressionLanguageDocument,
  SecretNamesDocument,
  type ExpressionLanguageQuery,
} from "./generated/graphql";

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

export async function fetchSecretNames(options?: RequestOptions): Promise<string[]> {
  return (await request(SecretNamesDocument, {}, options)).secretNames;
}

let sharedNames: Promise<string[]> | null = null;
let loadedNames: string[] | null = null;

/**
 * The names of the secrets set on the server, lowercase and sorted; null until they have arrived,
 * or when they cannot be read (a viewer may not: the picker then neither offers nor flags names).
 */
export function useSecretNames(): readonly string[] | null {
  const [names, setNames] = useState<readonly string[] | null>(loadedNames);
  useEffect(() => {
    if (loadedNames) return;
    let live = true;
    sharedNames ??= fetchSecretNames().then(
      (value) => (loadedNames = value),
      (error: unknown) => {
        sharedNames = null;
        throw error;
      },
    );
    sharedNames.then(
      (value) => live && setNames(value),
      () => undefined, // a free-text name still works; the server's validation checks it
    );
    return () => {
      live = false;
    };
  }, []);
  return names;
}
