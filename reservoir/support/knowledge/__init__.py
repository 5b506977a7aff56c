"""Knowledge base: articles in Chinese and English, versions, search, suggestions, deflection."""
