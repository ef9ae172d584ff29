/**
 * The text normalizers, by name: the one list. The config, the CLI's --normalize choices, the
 * scorer's lookup and the types derive from it; the JSON schemas (config, report) spell it out
 * for editors and are checked against it (normalizer-names.test.ts). It lives here, below the
 * scorer, because the config that names a normalizer may not import the scorer (suites/layer-map.ts).
 */
export const NORMALIZER_NAMES = ['none', 'basic', 'english'] as const;

export type NormalizerName = (typeof NORMALIZER_NAMES)[number];

/** The names as a sentence: "none, basic or english". */
export const NORMALIZER_NAMES_TEXT = `${NORMALIZER_NAMES.slice(0, -1).join(', ')} or ${NORMALIZER_NAMES.at(-1)}`;
