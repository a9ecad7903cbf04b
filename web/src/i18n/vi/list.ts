// Strings of the list screens.
export default {
} as const;
