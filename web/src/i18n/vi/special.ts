// Strings of the special screens.
export default {
} as const;
