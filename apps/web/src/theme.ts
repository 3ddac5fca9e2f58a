import { Autocomplete, createTheme, InputBase, PasswordInput, Select, Textarea, TextInput, type MantineColorsTuple } from '@mantine/core';

// Deep lacquer red (the primary action colour) and a muted teal accent: a restrained civil-service look.
const sen: MantineColorsTuple = ['#fdeeee', '#f6d9d9', '#ecb0b0', '#e28484', '#d95f5f', '#d34747', '#c23a3a', '#a82e2e', '#9b1c1c', '#7f1414'];
const teal: MantineColorsTuple = ['#e6f6f5', '#d0ebe9', '#a2d5d1', '#70bfb8', '#48aca3', '#2f9f96', '#1f8f86', '#127d74', '#066f67', '#005f58'];

/** System fonts only (no web fonts): all of these ship with full Vietnamese coverage. */
export const FONT_STACK =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, "Liberation Sans", sans-serif';

const ORDER: ('label' | 'input' | 'description' | 'error')[] = ['label', 'input', 'description', 'error'];

export const theme = createTheme({
  primaryColor: 'sen',
  primaryShade: 8,
  colors: { sen, teal },
  fontFamily: FONT_STACK,
  headings: { fontFamily: FONT_STACK, fontWeight: '650' },
  defaultRadius: 'sm',
  cursorType: 'pointer',
  components: {
    // Help text under the field, where the eye goes after typing, not between label and input.
    TextInput: TextInput.extend({ defaultProps: { inputWrapperOrder: ORDER } }),
    PasswordInput: PasswordInput.extend({ defaultProps: { inputWrapperOrder: ORDER } }),
    Textarea: Textarea.extend({ defaultProps: { inputWrapperOrder: ORDER } }),
    InputBase: InputBase.extend({ defaultProps: { inputWrapperOrder: ORDER } }),
    Select: Select.extend({ defaultProps: { inputWrapperOrder: ORDER } }),
    Autocomplete: Autocomplete.extend({ defaultProps: { inputWrapperOrder: ORDER } }),
  },
});
