"""Page modules of the Streamlit app (only the app and these import streamlit)."""
