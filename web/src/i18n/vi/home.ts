// Strings of the home screens.
export default {
} as const;
