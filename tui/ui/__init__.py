"""The Textual app: draws DeskState and maps keys to the desk; holds no trading rule."""
