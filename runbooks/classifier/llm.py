"""placeholder"""
class LLMClassifier:
    pass
