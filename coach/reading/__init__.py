"""Reading people's words: what a customer's email says, and what a rep tells the coach."""
